"""One builder per kind of page, each adding its pages to a ``context.Build``:
``home`` (the catalog's home and the models index), ``model`` (a page per
model), ``lineage`` (a lineage page per model and the lineage index),
``activity`` (the audit log), ``api`` (the static JSON API) and ``assets``
(the catalog's stylesheet and script)."""
