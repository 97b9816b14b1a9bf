from common.format import THOUSANDS, fi_number, fi_percent


def test_decimal_comma_and_thousands_space():
    assert fi_number(12345.678, 1) == f"12{THOUSANDS}345,7"
    assert fi_number(1234567, 0) == f"1{THOUSANDS}234{THOUSANDS}567"
    assert fi_number(0.5, 2) == "0,50"


def test_units_signs_and_missing():
    assert fi_percent(5) == "5 %"
    assert fi_number(-3.25, 1) == "\u22123,2" or fi_number(-3.25, 1) == "\u22123,3"
    assert fi_number(2.0, 1, signed=True) == "+2,0"
    assert fi_number(-0.01, 1) == "0,0"
    assert fi_number(None) == "–" and fi_number(float("nan")) == "–"
