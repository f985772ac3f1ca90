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
        ("def train_one_epoch(x, y):\n    pass\ntrain_one_epoch(x, y)", True),  # only the def
        ("np.random.seed(0)", True),
        ("for i in range(3):\n    weights.append(rng.normal(0, 1, (2, 2)))", True),
        ("for i, (x, y) in enumerate(loader):\n    with torch.no_grad():\n        model(x)", False),
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


def test_template_init_loop_kept_training_loop_and_calls_skipped():
    code = ("weights = []\nfor i in range(3):\n    weights.append(i)\n"
            "def train_one_epoch(x, y):\n    return weights\n"
            "train_one_epoch(1, 2)\nfor epoch in range(3):\n    train_one_epoch(1, 2)\n"
            "while True:\n    pass")
    assert kept_source(code) == ["weights = []", "for i in range(3):\n    weights.append(i)",
                                 "def train_one_epoch(x, y):\n    return weights"]


def test_needed_names_run_even_when_they_call_student_functions():
    code = ("def init():\n    return [1], [2]\nweights, biases = init()\n"
            "def train():\n    pass\nhistory = train()")
    modules = [ast.parse(code)]
    kept = [ast.unparse(n) for s in select_definitions(modules, ["weights"]) for n in s.kept]
    assert "weights, biases = init()" in kept and "history = train()" not in kept


def test_a_loop_variable_skipped_elsewhere_is_fresh_inside_a_loop_that_binds_it():
    cells = ["for i, batch in enumerate(loader):\n    model(batch)",
             "weights = []\nfor i in range(3):\n    weights.append(i)"]
    assert kept_source(*cells)[-1] == "for i in range(3):\n    weights.append(i)"
