"""Every counted statement of the 2019 report, recomputed from the default study.

One test per claim in data/vastmanland-2019/published_claims.csv; the test id
names the claim and the report section it comes from, so a failure reads as
"the report says X in section Y, the data give Z".
"""

from __future__ import annotations

import pandas as pd
import pytest

from evalkit import paths
from evalkit.analysis.findings import findings_table
from evalkit.study import load_study

CLAIMS = pd.read_csv(paths.DEFAULT_STUDY_DIR / "published_claims.csv", dtype={"claim_id": str}, keep_default_na=False)
SECTION_PREFIXES = ("Kap. ", "Bilaga ", "Sammanfattning")


@pytest.fixture(scope="module")
def findings():
    return findings_table(load_study(paths.DEFAULT_STUDY_DIR)).set_index("finding_id")


@pytest.mark.parametrize(
    "claim",
    [row for _, row in CLAIMS.iterrows()],
    ids=[f"{row.claim_id}-{row.finding_id}" for row in CLAIMS.itertuples()],
)
def test_report_claim_is_reproduced(claim, findings):
    assert claim["source"].startswith(SECTION_PREFIXES), f"claim {claim['claim_id']} must cite a report section"
    assert claim["finding_id"] in findings.index, f"no finding {claim['finding_id']} ({claim['source']})"
    computed = findings.loc[claim["finding_id"]]
    expected_denominator = float(claim["denominator"]) if claim["denominator"] != "" else None
    computed_denominator = None if pd.isna(computed["denominator"]) else float(computed["denominator"])
    assert (float(computed["numerator"]), computed_denominator) == (float(claim["numerator"]), expected_denominator), (
        f"{claim['source']}: the report says {claim['claim_en']!r}; "
        f"the data give {computed['numerator']}/{computed['denominator']}"
    )
    assert computed["unit"] == claim["unit"]


def test_every_claim_is_tested():
    # 49 since R44 and R45 (the same statements as R08 and R04, read as conditions) were dropped
    assert len(CLAIMS) >= 49 and CLAIMS["claim_id"].is_unique
