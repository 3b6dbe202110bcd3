"""deepseek.utils.progress: short logs when not on a terminal, an in-place bar on one."""
import io
import re

import pytest

import deepseek as torch
from deepseek.utils.data import DataLoader, TensorDataset
from deepseek.utils.progress import progress


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_log_output_prints_one_line_per_ten_percent():
    out = io.StringIO()
    seen = list(progress(range(100), desc="epoch 1", file=out))
    assert seen == list(range(100))
    lines = out.getvalue().splitlines()
    # 10%, 20%, ..., 90% while running, then the final line at 100%.
    assert [re.search(r"(\d+)%", line).group(1) for line in lines] == \
        ["10", "20", "30", "40", "50", "60", "70", "80", "90", "100"]
    assert all(line.startswith("epoch 1") for line in lines)
    assert "\r" not in out.getvalue()


def test_log_every_and_postfix():
    out = io.StringIO()
    bar = progress(range(8), file=out, log_every=50)
    for i in bar:
        bar.set_postfix(loss=1.0 / (i + 1))
    lines = out.getvalue().splitlines()
    assert len(lines) == 2  # 50% and the final line
    assert lines[0].endswith("loss=0.25") and lines[1].endswith("loss=0.125")
    assert " 4/8 " in lines[0] and " 8/8 " in lines[1]


def test_counts_items_from_the_batch_leading_dimension():
    dataset = TensorDataset(torch.zeros(10, 3), torch.zeros(10))
    bar = progress(DataLoader(dataset, batch_size=4), file=io.StringIO())
    for _ in bar:
        pass
    assert (bar.n, bar.items, len(bar)) == (3, 10, 3)
    assert re.search(r"[0-9,]+ items/s", bar.file.getvalue())


def test_custom_item_count_and_unit():
    out = io.StringIO()
    bar = progress(range(4), unit="tok", items=lambda _: 64, file=out)
    for _ in bar:
        pass
    assert bar.items == 256 and "tok/s" in out.getvalue()


def test_unknown_total_prints_only_a_final_line():
    out = io.StringIO()
    for _ in progress(iter(range(50)), file=out):
        pass
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and "50 it" in lines[0]
    with pytest.raises(TypeError):
        len(progress(iter(range(3))))


def test_terminal_bar_is_redrawn_in_place_and_ends_the_line():
    out = FakeTerminal()
    bar = progress(range(3), desc="train", file=out)
    for i in bar:
        if i == 1:
            bar.write("a message", file=out)
    text = out.getvalue()
    assert text.startswith("\r") and text.endswith("\n")
    assert "\x1b[K" in text and "a message\n" in text
    assert re.search(r"train\s+100%\|#+\|", text.splitlines()[-1])


def test_breaking_out_closes_the_bar_once():
    out = io.StringIO()
    for i in progress(range(100), file=out, log_every=100):
        if i == 4:
            break
    # The batch the loop broke on was not finished: 4 done.
    assert out.getvalue().count("\n") == 1 and " 4/100 " in out.getvalue()


def test_disable_and_bad_arguments():
    out = io.StringIO()
    assert list(progress(range(5), file=out, disable=True)) == list(range(5))
    assert out.getvalue() == ""
    with pytest.raises(ValueError, match="log_every"):
        progress(range(5), log_every=0)
