"""Comparing computed daily features with the generator's true values (used by tests and bench/)."""

from __future__ import annotations

import polars as pl

#: feature column -> truth column, for every quantity the generator knows exactly.
TRUTH_OF: dict[str, str] = {
    "home_time": "true_home_time",
    "dist_traveled": "true_dist_traveled",
    "num_sig_places": "true_num_sig_places",
    "max_dist_home": "true_max_dist_home",
    "steps": "true_steps",
    "walking_time": "true_walking_time",
    "num_in_call": "true_num_in_call",
    "num_out_call": "true_num_out_call",
    "num_mis_call": "true_num_mis_call",
    "num_s": "true_num_s",
    "num_r": "true_num_r",
}


def errors_against_truth(features: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    """Per feature: days compared, mean absolute error, mean signed error (bias), mean truth.

    Only days the generator recorded (not missing days) and the feature has a value for are compared.
    """
    joined = features.join(
        truth.filter(~pl.col("missing_day")), on=["participant", "date"], how="inner", suffix="_t"
    )
    rows = []
    for feature, true in TRUTH_OF.items():
        if feature not in joined.columns or true not in joined.columns:
            continue
        pair = (
            joined.select(pl.col(feature).cast(pl.Float64), pl.col(true)).drop_nulls().drop_nans()
        )
        if pair.height == 0:
            continue
        diff = pair[feature] - pair[true]
        rows.append(
            {
                "feature": feature,
                "days": pair.height,
                "mae": float(diff.abs().mean()),  # type: ignore[arg-type]
                "bias": float(diff.mean()),  # type: ignore[arg-type]
                "mean_truth": float(pair[true].mean()),  # type: ignore[arg-type]
            }
        )
    return pl.DataFrame(rows)
