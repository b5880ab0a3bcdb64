"""Curriculum: the catalog (tracks, modules, activities), assignments, progress, badges."""
