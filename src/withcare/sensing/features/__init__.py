"""Feature families: data quality, GPS mobility, movement (accelerometer), sociability (calls, texts)."""
