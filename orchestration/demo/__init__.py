"""Deterministic demo exports: fake CRM and survey CSVs with planted, documented effects.

Run ``python -m orchestration.demo --out data/inbox`` or call
:func:`orchestration.demo.generator.generate`; docs/demo_data.md describes the data.
"""
