"""Tables of the tidy data model (docs/architecture.md "Data model").

Only aggregates live here. Incidents keep a 250 m grid cell, never a point.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

area = sa.Table(
    "area",
    metadata,
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("name_en", sa.String(200)),
    sa.Column("official_name", sa.String(200)),
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("parent_code", sa.String(64)),
    sa.Column("focus", sa.Boolean, nullable=False, default=False),
    sa.Column("sort_order", sa.Integer, nullable=False, default=0),
)

import_batch = sa.Table(
    "import_batch",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False, default="observation"),
    sa.Column("file_name", sa.String(500), nullable=False),
    sa.Column("checksum", sa.String(64), nullable=False),
    sa.Column("user_name", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("rows_total", sa.Integer, nullable=False, default=0),
    sa.Column("rows_loaded", sa.Integer, nullable=False, default=0),
    sa.Column("rows_replaced", sa.Integer, nullable=False, default=0),
    # loaded | rolled_back
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("message", sa.Text),
    sa.Column("synthetic", sa.Boolean, nullable=False, default=False),
    sa.Column("rolled_back_at", sa.DateTime(timezone=True)),
    sa.Column("rolled_back_by", sa.String(200)),
    # Provenance (migration 0005): the publisher's table, where the file came from, when, licence.
    sa.Column("source_table", sa.String(300)),
    sa.Column("source_ref", sa.String(500)),
    sa.Column("retrieved_on", sa.Date),
    sa.Column("licence", sa.String(100)),
    # A real public snapshot shipped with the app (data/public/): real, but not the
    # municipality's own data, so it does not end demo mode.
    sa.Column("shipped", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
)

observation = sa.Table(
    "observation",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("measure_id", sa.String(100), nullable=False),
    sa.Column("area_code", sa.String(64), nullable=False),
    sa.Column("period", sa.String(16), nullable=False),
    sa.Column("count", sa.Float),
    sa.Column("denominator", sa.Float),
    sa.Column("value", sa.Float),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("synthetic", sa.Boolean, nullable=False, default=False),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("import_batch.id"), nullable=False),
    # Set when a newer batch replaced this value; the value comes back if that batch is rolled back.
    sa.Column("superseded_by", sa.Integer),
)
sa.Index(
    "ix_observation_key", observation.c.measure_id, observation.c.area_code, observation.c.period
)
sa.Index("ix_observation_batch", observation.c.batch_id)
sa.Index("ix_observation_superseded", observation.c.superseded_by)

incident = sa.Table(
    "incident",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("occurred_at", sa.DateTime, nullable=False),
    sa.Column("iso_week", sa.String(8), nullable=False),
    sa.Column("type", sa.String(60), nullable=False),
    sa.Column("partner", sa.String(60), nullable=False),
    # South-west corner of the 250 m SWEREF 99 TM cell; the raw point is never stored.
    sa.Column("cell_x", sa.Integer, nullable=False),
    sa.Column("cell_y", sa.Integer, nullable=False),
    sa.Column("district_code", sa.String(64), nullable=False),
    sa.Column("synthetic", sa.Boolean, nullable=False, default=False),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("import_batch.id")),
)
sa.Index("ix_incident_week", incident.c.iso_week)
sa.Index("ix_incident_time", incident.c.occurred_at)

activity = sa.Table(
    "activity",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("starts_at", sa.DateTime, nullable=False),
    sa.Column("ends_at", sa.DateTime),
    sa.Column("iso_week", sa.String(8), nullable=False),
    sa.Column("kind", sa.String(60), nullable=False),
    # planerad | genomford
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("district_code", sa.String(64), nullable=False),
    sa.Column("cell_x", sa.Integer),
    sa.Column("cell_y", sa.Integer),
    sa.Column("organiser", sa.String(100), nullable=False),
    sa.Column("synthetic", sa.Boolean, nullable=False, default=False),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("import_batch.id")),
)
sa.Index("ix_activity_week", activity.c.iso_week)

intervention = sa.Table(
    "intervention",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("district_codes", sa.String(500), nullable=False),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("end_date", sa.Date),
    sa.Column("description", sa.Text),
    sa.Column("synthetic", sa.Boolean, nullable=False, default=False),
    sa.Column("batch_id", sa.Integer, sa.ForeignKey("import_batch.id")),
    # Migration 0003 (issue 13): comma-separated indicator ids, the unit that runs it, and
    # the last change made on the page (rows from an import carry their batch instead).
    sa.Column("target_indicators", sa.Text),
    sa.Column("responsible_unit", sa.String(200)),
    sa.Column("updated_at", sa.DateTime(timezone=True)),
    sa.Column("updated_by", sa.String(200)),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user_name", sa.String(200), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("detail", sa.Text),
)

setting = sa.Table(
    "setting",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

user_role = sa.Table(
    "user_role",
    metadata,
    sa.Column("subject", sa.String(200), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False),
)

# Published indicator values (issue 17, docs/published.md): computed once per change of the
# observations by indicators.publish.rebuild, written under a new version number, then made
# current by one update of setting "published_version". Readers read only the current version.
published_version = sa.Table(
    "published_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    # the store's "values_version" the rows were computed from
    sa.Column("source_version", sa.Integer, nullable=False),
    # building | complete | failed
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("rows", sa.Integer, nullable=False, default=0),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("note", sa.Text),
)

published_value = sa.Table(
    "published_value",
    metadata,
    sa.Column("version", sa.Integer, nullable=False),
    # publishing order (indicator, period, level, area name)
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("indicator_id", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("area_code", sa.String(64), nullable=False),
    sa.Column("area_name", sa.String(200)),
    sa.Column("area_level", sa.String(20)),
    sa.Column("period", sa.String(16), nullable=False),
    sa.Column("numerator", sa.Float),
    sa.Column("denominator", sa.Float),
    sa.Column("value", sa.Float),
    sa.Column("lower", sa.Float),
    sa.Column("upper", sa.Float),
    sa.Column("verdict", sa.String(40)),
    sa.Column("trend", sa.String(40)),
    sa.Column("suppressed", sa.Boolean, nullable=False),
    sa.Column("reason", sa.String(200)),
    sa.Column("synthetic", sa.Boolean, nullable=False),
    # pooled rare events: "2022–2024" (issue 16); the municipality value a partial sum; φ
    sa.Column("period_label", sa.String(20)),
    sa.Column("benchmark_partial", sa.Boolean),
    sa.Column("phi", sa.Float),
    # Fingertips' 99,8 % interval and the verdict read from it (issue 16, migration 0007)
    sa.Column("lower_998", sa.Float),
    sa.Column("upper_998", sa.Float),
    sa.Column("verdict_998", sa.String(40)),
)
sa.Index(
    "ix_published_value_key",
    published_value.c.version,
    published_value.c.indicator_id,
    published_value.c.area_level,
    published_value.c.seq,
)

# Composite indices per district and period (issue 17), computed with the values of a version.
published_composite = sa.Table(
    "published_composite",
    metadata,
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("period", sa.String(16), nullable=False),
    # "risk" | "protective": two indices, never netted (docs/methods.md §1.7)
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("area_code", sa.String(64), nullable=False),
    sa.Column("score", sa.Float),
    sa.Column("rank", sa.Float),
    sa.Column("rank_median", sa.Float),
    sa.Column("rank_lower", sa.Float),
    sa.Column("rank_upper", sa.Float),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("label_sv", sa.String(200)),
    sa.Column("label_en", sa.String(200)),
    sa.Column("n_indicators", sa.Integer),
    sa.Column("n_suppressed", sa.Integer),
)
sa.Index(
    "ix_published_composite_key",
    published_composite.c.version,
    published_composite.c.period,
    published_composite.c.seq,
)
