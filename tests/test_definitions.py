import ast

import pytest

from grader.sandbox.definitions import select_definitions


def kept_source(*cells: str) -> list[str]:
    modules = [ast.parse(c) for c in cells]
    return [ast.unparse(node) for s in select_definitions(modules) for node in s.kept]


@pytest.mark.parametrize(
    "code, kept",
    [
        ("import numpy as np", True),
        ("from math import sqrt", True),
        ("def f(x):\n    return x", True),
        ("class M:\n    pass", True),
        ("layers = [784, 32, 32, 10]", True),
        ("rng = default_rng(80085)", True),
        ("weights = [rng.normal(0, 1, (a, b)) for a, b in zip(layers, layers[1:])]", True),
        ("for epoch in range(50):\n    train()", False),
        ("while True:\n    pass", False),
        ("train_one_epoch(x, y)", False),
        ("plt.show()", False),
        ("data = torchvision.datasets.FashionMNIST('.', download=True)", False),
        ("(x, y), _ = tf.keras.datasets.mnist.load_data()", False),
        ("if __name__ == '__main__':\n    main()", False),
        ("try:\n    import torch\nexcept ImportError:\n    torch = None", True),
        ("with open('f') as f:\n    data = f.read()", False),
    ],
)
def test_statement_kinds(code, kept):
    assert bool(kept_source(code)) is kept


def test_assignment_calling_a_student_function_is_skipped():
    cells = ["def train(n):\n    return n", "history = train(50)", "model = Net()"]
    assert kept_source(*cells) == ["def train(n):\n    return n", "model = Net()"]


def test_names_that_depend_on_skipped_statements_are_skipped():
    cells = ["data = MNIST('.', download=True)", "loader = DataLoaderish(data)", "n = 3"]
    assert kept_source(*cells) == ["n = 3"]


def test_seed_like_loop_is_skipped_but_definitions_kept():
    code = "weights = []\nfor i in range(3):\n    weights.append(i)\ndef f():\n    return weights"
    assert kept_source(code) == ["weights = []", "def f():\n    return weights"]
