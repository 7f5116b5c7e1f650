"""Sources: one importer per source format, each producing the same tidy observations.

* ``sources.template`` — the municipal CSV/Excel template (``import_file``, ``check_file``,
  ``import_dataframe``), validated by ``sources.validate``; personal data refused by
  ``sources.personal_data``; periods read by ``sources.periods``;
* ``sources.scb``, ``sources.kolada``, ``sources.polisen``, ``sources.skolverket`` — parsers
  of public APIs (fetched only on request, ``sources.download``);
* ``python -m sources`` — import, list and roll back batches, fetch.

User-facing format description: ``data/templates/README.md``.
"""
