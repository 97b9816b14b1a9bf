"""The licence of an indicator's data, from its producer: THL's own data is CC BY 4.0; other producers' data
(Tilastokeskus, Kela …) is published on Sotkanet on the producer's terms. Stored in Finnish with its string
key (common.i18n.Phrase), so the data-sources page can show it in the reader's language."""
from __future__ import annotations

from common.i18n import Phrase, in_language, t

THL_LICENCE = "CC BY 4.0 (THL, Sotkanet.fi)"
LICENCE_SEPARATOR = " | "  # between the licences of one load's producers


def producer_licence(organisation: str | None) -> str:
    """The licence text for data from `organisation` (Finnish; a Phrase where it has words)."""
    organisation = organisation or ""
    if "THL" in organisation or "Terveyden ja hyvinvoinnin" in organisation:
        return THL_LICENCE
    with in_language("fi"):
        producer = organisation or t("load_log.producer_unknown")
    return Phrase("load_log.producer_terms", producer=producer)


def licence_in_language(stored: str | None, organisation: str | None) -> str | None:
    """A stored indicator licence as the reader reads it: the producer's-terms wording in the reader's
    language when the stored text is exactly what `producer_licence` wrote, else the stored text as it is
    (a licence a source stated itself is quoted, not translated)."""
    if stored is None:
        return None
    derived = producer_licence(organisation)
    if isinstance(derived, Phrase) and stored == str(derived):
        return t(derived.key, **derived.values) if organisation else t(derived.key, producer=t("load_log.producer_unknown"))
    return stored
