"""Transform: the dbt project (models/, macros/, seeds/) as Dagster assets."""
