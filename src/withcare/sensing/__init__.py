"""Smartphone-sensing feature pipeline: readers, daily features, executors. Pure data in, data out."""
