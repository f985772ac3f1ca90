from pathlib import Path

import pytest

from grader.api import validate_rubric
from grader.errors import RubricError
from grader.rubric.loader import load_rubric
from grader.rubric.model import NumericItem

from .conftest import REPO, SMALL_RUBRIC

BASE = SMALL_RUBRIC.format(mode="definitions", limit=3)


def test_hw1_rubric_is_valid():
    rubric = validate_rubric(REPO / "rubrics" / "hw1.toml")
    ids = [item.id for item in rubric.items()]
    assert "q4.functions" in ids and "q4.names" in ids
    assert isinstance(next(i for i in rubric.items() if i.id == "q4.functions"), NumericItem)
    assert rubric.max_score == sum(i.points for i in rubric.items())


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda t: t.replace('points = 2', 'points = 2\ncolour = "red"'),
         "item 't.sigmoid': field 'colour': Extra inputs are not permitted"),
        (lambda t: t.replace('points = 2', 'points = "two"'),
         "item 't.sigmoid': field 'points'"),
        (lambda t: t.replace('id = "t.names"', 'id = "t.sigmoid"'), "duplicate item id 't.sigmoid'"),
        (lambda t: t.replace('kind = "names"', 'kind = "essay"'), "item 't.names': field 'kind'"),
        (lambda t: t.replace('id = "t.names"', 'id = "q9.names"'), "must start with 't.'"),
        (lambda t: t.replace('reference = "reference.q4_numpy"', 'reference = "nowhere.at_all"'),
         "no module 'nowhere.at_all'"),
        (lambda t: t.replace('function = "sigmoid"', 'function = "sigmund"'),
         "has no function 'sigmund'"),
        (lambda t: t.replace('[defaults]', '[defaults'), "not valid TOML"),
        (lambda t: t.replace('assignment = "t"', ''), "field 'assignment': Field required"),
    ],
)
def test_bad_rubric_is_one_clear_error(tmp_path, change, message):
    path = tmp_path / "bad.toml"
    path.write_text(change(BASE))
    with pytest.raises(RubricError) as info:
        validate_rubric(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_missing_rubric_file(tmp_path):
    with pytest.raises(RubricError, match="rubric not found"):
        load_rubric(tmp_path / "absent.toml")


def test_rubric_hash_is_of_its_bytes(tmp_path):
    import hashlib

    path = tmp_path / "r.toml"
    path.write_text(BASE)
    _, sha = load_rubric(path)
    assert sha == hashlib.sha256(Path(path).read_bytes()).hexdigest()
