"""The rules and vocabularies of metrics/ that pages apply to frames the read model gave them, in one place.

Pages import the read model and ui/ only; a page that shows a status symbol, ranks the clearest changes
of a table it already has or turns a series into an index uses these names, so the rule itself stays in
metrics/ and is never written again in a page.
"""
from metrics.compare import COMPARISON_SYMBOL
from metrics.goals import STATUS_SYMBOL
from metrics.summary import clearest_changes
from metrics.survey_results import SCALE_CATEGORIES, SCALE_LABELS, YES_NO_LABELS, scale_long
from metrics.trends import index_to_base_year

__all__ = ["COMPARISON_SYMBOL", "STATUS_SYMBOL", "clearest_changes", "SCALE_CATEGORIES", "SCALE_LABELS",
           "YES_NO_LABELS", "scale_long", "index_to_base_year"]
