"""``--row-names`` on ``pydiv pairwise`` and ``pydiv compare``: the first CSV
field names the row, and the names label the output, read back with the csv
module and pandas and compared with the Python API."""

import csv
import io

import numpy as np
import pytest

import pydiv
from pydiv.cli import main

RNG = np.random.default_rng(5)
X = RNG.random((5, 4))
Y = RNG.random((3, 4))
X_NAMES = ["doc-1", "doc 2", "x,y", 'say "hi"', "é"]
Y_NAMES = ["a", "b", "c"]


def named_csv(path, names, rows, header=True):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL)  # a name starting with "#" quoted, not a comment
        if header:
            w.writerow(["id"] + [f"bin{j}" for j in range(rows.shape[1])])
        for name, row in zip(names, rows):
            w.writerow([name] + [repr(float(v)) for v in row])
    return str(path)


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def assert_picture(path):
    """Read back: an image of a sensible size that is not a single colour."""
    from matplotlib.image import imread

    image = imread(str(path))
    assert image.ndim == 3 and min(image.shape[:2]) >= 100 and float(image[..., :3].var()) > 0.0


def parse(text):
    return list(csv.reader(io.StringIO(text)))


def test_matrix_is_labelled_by_rows_and_columns(tmp_path, capsys):
    x = named_csv(tmp_path / "x.csv", X_NAMES, X)
    y = named_csv(tmp_path / "y.csv", Y_NAMES, Y, header=False)
    status, out, _ = run(capsys, "pairwise", x, y, "--metric", "js", "--row-names")
    assert status == 0
    table = parse(out)
    assert table[0] == ["", *Y_NAMES]
    assert [r[0] for r in table[1:]] == X_NAMES
    got = np.array([[float(v) for v in r[1:]] for r in table[1:]])
    np.testing.assert_array_equal(got, pydiv.pairwise(X, Y, metric="js"))


def test_pandas_reads_the_labelled_matrix_back(tmp_path, capsys):
    pd = pytest.importorskip("pandas")
    x = named_csv(tmp_path / "x.csv", X_NAMES, X)
    out = tmp_path / "m.csv"
    assert run(capsys, "pairwise", x, "-m", "hellinger", "--row-names", "--out", out)[0] == 0
    frame = pd.read_csv(out, index_col=0)
    assert list(frame.index) == X_NAMES and list(frame.columns) == X_NAMES
    np.testing.assert_array_equal(frame.to_numpy(), pydiv.pairwise(X, metric="hellinger"))


def test_condensed_pairs_are_named(tmp_path, capsys):
    x = named_csv(tmp_path / "x.csv", X_NAMES, X)
    _, out, _ = run(capsys, "pairwise", x, "-m", "jeffreys", "--row-names", "--condensed")
    table = parse(out)
    assert table[0] == ["row", "column", "jeffreys"]
    condensed = pydiv.pairwise(X, metric="jeffreys", condensed=True)
    i, j = np.triu_indices(len(X_NAMES), k=1)
    assert [(r[0], r[1]) for r in table[1:]] == [(X_NAMES[a], X_NAMES[b]) for a, b in zip(i, j)]
    np.testing.assert_array_equal([float(r[2]) for r in table[1:]], condensed)


def test_omitted_rows_take_their_names_with_them(tmp_path, capsys):
    rows = X.copy()
    rows[1, 2] = np.nan
    x = named_csv(tmp_path / "x.csv", X_NAMES, rows)
    status, out, err = run(capsys, "pairwise", x, "-m", "kl", "--row-names", "--nan-policy", "omit")
    assert status == 0 and "omitted 1" in err
    table = parse(out)
    kept = [n for k, n in enumerate(X_NAMES) if k != 1]
    assert table[0] == ["", *kept] and [r[0] for r in table[1:]] == kept


def test_npy_output_holds_the_numbers(tmp_path, capsys):
    x = named_csv(tmp_path / "x.csv", X_NAMES, X)
    out = tmp_path / "m.npy"
    assert run(capsys, "pairwise", x, "-m", "total_variation", "--row-names", "--out", out)[0] == 0
    np.testing.assert_array_equal(np.load(out), pydiv.pairwise(X, metric="total_variation"))


def test_compare_rows_by_name(tmp_path, capsys):
    p = named_csv(tmp_path / "p.csv", X_NAMES, X)
    q = named_csv(tmp_path / "q.csv", X_NAMES, X[::-1])
    _, out, _ = run(capsys, "compare", p, q, "-m", "kl", "--row-names")
    table = parse(out)
    assert table[0] == ["row", "kl"] and [r[0] for r in table[1:]] == X_NAMES
    np.testing.assert_array_equal([float(r[1]) for r in table[1:]], pydiv.kl_divergence(X, X[::-1]))


def test_compare_one_row_against_many_takes_the_many_names(tmp_path, capsys):
    p = named_csv(tmp_path / "p.csv", ["ref"], X[:1])
    q = named_csv(tmp_path / "q.csv", Y_NAMES, Y)
    _, out, _ = run(capsys, "compare", p, q, "-m", "js", "--row-names")
    assert [r[0] for r in parse(out)[1:]] == Y_NAMES


def test_compare_entropy_and_bars_with_names(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    p = named_csv(tmp_path / "p.csv", X_NAMES, X)
    png = tmp_path / "bars.png"
    status, out, _ = run(capsys, "compare", p, "-m", "entropy", "--row-names", "--plot", png)
    assert status == 0 and [r[0] for r in parse(out)[1:]] == X_NAMES
    assert_picture(png)


def test_heat_map_with_names(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    x = named_csv(tmp_path / "x.csv", X_NAMES, X)
    png = tmp_path / "heat.png"
    assert run(capsys, "pairwise", x, "-m", "js", "--row-names", "--plot", png, "--order", "cluster")[0] == 0
    assert_picture(png)


def test_names_with_hash_quotes_and_separators_read_back(tmp_path, capsys):
    names = ["doc#1", "#starts", 'q"uote', "a,b"]
    x = named_csv(tmp_path / "x.csv", names, X[:4])
    out = tmp_path / "m.csv"
    assert run(capsys, "pairwise", x, "-m", "js", "--row-names", "--out", out)[0] == 0
    table = parse(out.read_text())
    assert table[0] == ["", *names] and [r[0] for r in table[1:]] == names
    # pydiv reads its own output back: the header line is skipped, the names kept.
    again = tmp_path / "again.csv"
    assert run(capsys, "pairwise", out, "-m", "hellinger", "--row-names", "--out", again)[0] == 0
    assert [r[0] for r in parse(again.read_text())[1:]] == names


@pytest.mark.parametrize("content,match", [
    ("a,,2,3\nb,1,2,3\n", "line 1: '' is not a number"),  # a first line with numbers is data, not a header
    ("a,NA,2\nb,1,2\n", "line 1: 'NA' is not a number"),
    ("a,1,2\na,2,1\n", "names rows 0 and 1 both 'a'"),
    (",1,2\nb,2,1\n", "row 0 has an empty name"),
    ("id,a,b\nr1,1,2\nr2,3\n", "line 3 has 2 fields"),
    ("r1\nr2\n", "a name but no numbers"),
    ("id,a,b\nr1,1,x\n", "'x' is not a number"),
    ("id,a,b\n", "no rows of numbers"),
    ("", "no rows of numbers"),
])
def test_bad_named_files(tmp_path, capsys, content, match):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    status, _, err = run(capsys, "pairwise", path, "-m", "js", "--row-names")
    assert status == 2 and match in err and "X" in err


def test_mismatched_names_in_compare(tmp_path, capsys):
    p = named_csv(tmp_path / "p.csv", X_NAMES, X)
    q = named_csv(tmp_path / "q.csv", X_NAMES[::-1], X)
    status, _, err = run(capsys, "compare", p, q, "-m", "kl", "--row-names")
    assert status == 2 and "Q: row 0 is named" in err


def test_row_names_need_csv_and_histogram_rows(tmp_path, capsys):
    np.save(tmp_path / "x.npy", X)
    status, _, err = run(capsys, "pairwise", tmp_path / "x.npy", "-m", "js", "--row-names")
    assert status == 2 and "not .csv" in err
    x = named_csv(tmp_path / "x.csv", X_NAMES, X)
    status, _, err = run(capsys, "pairwise", x, "-m", "emd", "--row-names")
    assert status == 2 and "--row-names labels rows of histograms" in err
