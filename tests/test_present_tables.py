"""Display tables: labels instead of codes, localised headers."""

from studies import tiny_study

from evalkit.analysis import organisation as org
from evalkit.analysis import quality_areas as qa
from evalkit.analysis import success_factors as sf
from evalkit.analysis.findings import findings_table
from evalkit.present import tables as T


def test_column_label():
    study = tiny_study()
    assert T.column_label("municipality_id", "sv") == "Kommun"
    assert T.column_label("numerator", "en") == "Count"
    assert T.column_label("knowledge", "sv", study) == "Kunskap"
    assert T.column_label("closeness", "en", study) == "Closeness"
    assert T.column_label("whatever", "en") == "whatever"


def test_display_frame_labels_codes_and_ids():
    study = tiny_study()
    frame = T.display_frame(org.posts_by_coordinator(study), study, "sv")
    assert frame.columns[0] == "Samordnare"
    assert frame.iloc[1]["Samordnare"] == "Samordnare C2"
    assert frame.iloc[1]["Kommuner"] == "Kommun B, Kommun C"
    assert frame.iloc[1]["Roll"] == "Rent strategisk"
    assert frame.iloc[0]["Heltid"] == "ja"
    assert "Realtown" not in frame.to_string()


def test_display_frame_reveal_names():
    study = tiny_study()
    frame = T.display_frame(org.posts_by_municipality(study), study, "en", reveal_names=True)
    assert frame.iloc[0]["Municipality"] == "Realtown"


def test_display_findings():
    """Statement first, the id last (the only column with internal ids), sources on separate lines."""
    study = tiny_study()
    frame = T.display_findings(findings_table(study), study, "en", chapter="quality_areas")
    assert list(frame.columns) == ["Finding", "Count", "Basis", "Source", "Finding id"]
    row = frame[frame["Finding id"] == "qa.know_plan"].iloc[0]
    assert row["Count"] == "1/3" and row["Basis"] == "Reconstructed"
    assert row["Finding"].startswith("One of three")
    assert all(isinstance(cell, str) for cell in frame.to_numpy().ravel())


def test_display_matrix_and_condition_table():
    study = tiny_study()
    matrix = T.display_quality_area_matrix(qa.quality_area_matrix(study), study, "sv").set_index("Kommun")
    assert list(matrix.index) == ["Kommun A", "Kommun B", "Kommun C", "Kommun D"]
    assert list(matrix.columns) == ["Kunskap", "Trygghet", "Tillgänglighet"]
    assert matrix.loc["Kommun B", "Kunskap"] == "0,67"
    conditions = T.display_condition_table(sf.condition_table(study), study, "en").set_index("Municipality")
    assert conditions.loc["Municipality C", "Casework"] == "unknown"
    assert conditions.loc["Municipality A", "Outcome (works well)"] == "1"
