#!/usr/bin/env python3
"""Writes the corpus of malformed safetensors files in tests/data/safetensors_malformed/.

Each file breaks one validation rule of deepseek's reader (include/deepseek/io/safetensors.h
and io/checkpoint.h) and is named after it. expected_errors.json maps each file name to a
phrase its error message must contain, so the C++ and Python tests can check that loading
fails for the right reason. The corpus is committed; rerun this script after changing it:

    /usr/bin/python3 tests/data/make_malformed_safetensors.py

Only the standard library is used, so the bytes are the same on every machine.
"""
import json
import os
import struct
import sys

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "safetensors_malformed")
MANIFEST = "expected_errors.json"


def header_bytes(header):
    return json.dumps(header, separators=(",", ":")).encode()


def file_bytes(header, data=b"", length=None):
    """8-byte little-endian length, header (a dict, or raw bytes), data."""
    raw = header if isinstance(header, bytes) else header_bytes(header)
    n = len(raw) if length is None else length
    return struct.pack("<Q", n) + raw + data


def f32(*values):
    return struct.pack(f"<{len(values)}f", *values)


W = {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}
W_DATA = f32(1, 2, 3, 4)


def with_w(**changes):
    """The tensor entry "w" with fields replaced (None removes a field)."""
    entry = dict(W)
    for key, value in changes.items():
        if value is None:
            del entry[key]
        else:
            entry[key] = value
    return entry


def checkpoint(root, version=1, raw_structure=None):
    """A file as deepseek.save writes it, holding tensor "w", with the given structure."""
    structure = raw_structure if raw_structure is not None else json.dumps(
        {"version": version, "root": root}, separators=(",", ":"))
    header = {"__metadata__": {"format": "pt", "deepseek.structure": structure}, "w": W}
    return file_bytes(header, W_DATA)


def nested_lists_structure(depth):
    """A structure whose root is a list in a list in ... `depth` deep (built as text: the
    json module would hit Python's recursion limit)."""
    return '{"version":1,"root":' + "[" * depth + "1" + "]" * depth + "}"


# (file name without extension, bytes, phrase the error must contain)
CASES = [
    # ---- the length field ----
    ("file_empty", b"", "shorter than the 8-byte header length field"),
    ("file_shorter_than_length_field", b"\x10\x00\x00", "shorter than the 8-byte header length"),
    ("header_len_over_limit", file_bytes({"w": W}, W_DATA, length=100_000_001),
     "exceeds the 100 MB limit"),
    ("header_len_max_u64", file_bytes({"w": W}, W_DATA, length=2**64 - 1),
     "exceeds the 100 MB limit"),
    ("header_len_beyond_file", file_bytes({"w": W}, W_DATA, length=4096),
     "bytes that follow the length field"),
    # The first bytes of torch.save files (zip, and the legacy pickle format).
    ("torch_zip_checkpoint", b"PK\x03\x04\x00\x00\x08\x08" + bytes(60),
     "the file is a zip archive"),
    ("torch_pickle_checkpoint", b"\x80\x02\x8a\x0alF\xf9 j" + bytes(60),
     "the file is a Python pickle"),
    # ---- the header text ----
    ("header_len_zero", file_bytes(b"", b""), "header must start with '{'"),
    ("header_starts_with_space", file_bytes(b" " + header_bytes({"w": W}), W_DATA),
     "header must start with '{'"),
    ("header_is_array", file_bytes(b"[]"), "header must start with '{'"),
    ("header_json_truncated", file_bytes(b'{"w":{"dtype":"F32"'), "header is not valid JSON"),
    ("header_json_trailing_garbage", file_bytes(b"{} x"), "header is not valid JSON"),
    ("header_invalid_utf8",
     file_bytes(b'{"w\xff":' + header_bytes(W) + b"}", W_DATA), "header is not valid JSON"),
    ("header_nul_byte", file_bytes(b'{"w":\x00}'), "header is not valid JSON"),
    ("header_number_overflow", file_bytes(b'{"w":{"dtype":"F32","shape":[1e999]}}'),
     "header is not valid JSON"),
    ("header_duplicate_tensor_name",
     file_bytes(b'{"w":' + header_bytes(W) + b',"w":' + header_bytes(W) + b"}", W_DATA),
     "duplicate key 'w'"),
    ("header_duplicate_field",
     file_bytes(b'{"w":{"dtype":"F32","dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}',
                W_DATA),
     "duplicate key 'dtype' in entry 'w'"),
    ("metadata_duplicate_key", file_bytes(b'{"__metadata__":{"a":"1","a":"2"}}'),
     "duplicate key 'a' in entry '__metadata__'"),
    ("header_nested_too_deep", file_bytes({"w": with_w(shape=[[2, 2]])}, W_DATA),
     "nests deeper than the format allows"),
    ("shape_longer_than_64_dims", file_bytes({"w": with_w(shape=[1] * 65)}, W_DATA),
     "array longer than 64 elements"),
    # ---- __metadata__ ----
    ("metadata_not_object", file_bytes({"__metadata__": "format=pt"}),
     "__metadata__ must be an object of strings"),
    ("metadata_value_number", file_bytes({"__metadata__": {"epoch": 3}}),
     "__metadata__ values must be strings"),
    ("metadata_value_null", file_bytes({"__metadata__": {"note": None}}),
     "__metadata__ values must be strings"),
    ("metadata_value_object", file_bytes({"__metadata__": {"cfg": {"lr": "0.1"}}}),
     "__metadata__ values must be strings"),
    # ---- tensor entries ----
    ("tensor_entry_not_object", file_bytes({"w": [0, 16]}, W_DATA), "tensor 'w' must be an object"),
    ("tensor_missing_dtype", file_bytes({"w": with_w(dtype=None)}, W_DATA),
     "missing field 'dtype'"),
    ("tensor_missing_shape", file_bytes({"w": with_w(shape=None)}, W_DATA),
     "missing field 'shape'"),
    ("tensor_missing_data_offsets", file_bytes({"w": with_w(data_offsets=None)}, W_DATA),
     "missing field 'data_offsets'"),
    ("tensor_unknown_field", file_bytes({"w": with_w(requires_grad=True)}, W_DATA),
     "unknown field 'requires_grad'"),
    ("dtype_not_string", file_bytes({"w": with_w(dtype=4)}, W_DATA), "dtype must be a string"),
    ("dtype_unknown", file_bytes({"w": with_w(dtype="Q4")}, W_DATA), "unknown dtype 'Q4'"),
    ("dtype_lowercase", file_bytes({"w": with_w(dtype="f32")}, W_DATA), "unknown dtype 'f32'"),
    ("dtype_u32_unsupported", file_bytes({"w": with_w(dtype="U32")}, W_DATA),
     "unknown dtype 'U32'"),
    ("shape_not_array", file_bytes({"w": with_w(shape=4)}, W_DATA), "shape must be an array"),
    ("shape_negative_dim", file_bytes({"w": with_w(shape=[-2, -2])}, W_DATA),
     "dims must be non-negative 64-bit integers"),
    ("shape_float_dim", file_bytes({"w": with_w(shape=[2.0, 2])}, W_DATA),
     "dims must be non-negative 64-bit integers"),
    ("shape_string_dim", file_bytes({"w": with_w(shape=["2", 2])}, W_DATA),
     "dims must be non-negative 64-bit integers"),
    ("shape_bool_dim", file_bytes({"w": with_w(shape=[True, 4])}, W_DATA),
     "dims must be non-negative 64-bit integers"),
    ("shape_dim_beyond_int64", file_bytes({"w": with_w(shape=[2**63])}, W_DATA),
     "dims must be non-negative 64-bit integers"),
    ("shape_numel_overflow", file_bytes({"w": with_w(shape=[2**32, 2**32])}, W_DATA),
     "byte size overflows 64-bit arithmetic"),
    ("shape_bytes_overflow", file_bytes({"w": with_w(dtype="F64", shape=[2**61])}, W_DATA),
     "byte size overflows 64-bit arithmetic"),
    ("shape_empty_dim_overflow", file_bytes({"w": with_w(shape=[0, 2**62, 2**62])}, W_DATA),
     "byte size overflows 64-bit arithmetic"),
    ("offsets_not_array", file_bytes({"w": with_w(data_offsets=16)}, W_DATA),
     "data_offsets must be [begin, end]"),
    ("offsets_three_numbers", file_bytes({"w": with_w(data_offsets=[0, 8, 16])}, W_DATA),
     "data_offsets must be [begin, end]"),
    ("offsets_negative", file_bytes({"w": with_w(data_offsets=[-16, 0])}, W_DATA),
     "data_offsets must be [begin, end]"),
    ("offsets_float", file_bytes({"w": with_w(data_offsets=[0, 16.0])}, W_DATA),
     "data_offsets must be [begin, end]"),
    ("offsets_reversed", file_bytes({"w": with_w(data_offsets=[16, 0])}, W_DATA),
     "end before they begin"),
    ("byte_length_mismatch", file_bytes({"w": with_w(data_offsets=[0, 12])}, W_DATA[:12]),
     "hold 12 bytes, but dtype F32 and shape [2, 2] need 16"),
    # ---- how the tensors tile the data section ----
    ("offsets_hole_at_start", file_bytes({"w": with_w(data_offsets=[4, 20])}, bytes(4) + W_DATA),
     "leave a hole"),
    ("offsets_hole_between",
     file_bytes({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                 "b": {"dtype": "F32", "shape": [2], "data_offsets": [12, 20]}},
                f32(1, 2, 3, 4, 5)),
     "leave a hole: the data before them ends at byte 8"),
    ("offsets_overlap",
     file_bytes({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                 "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, f32(1, 2, 3)),
     "overlap tensor 'a'"),
    ("offsets_same_range",
     file_bytes({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                 "b": {"dtype": "I32", "shape": [2], "data_offsets": [0, 8]}}, f32(1, 2)),
     "overlap tensor 'a'"),
    ("offsets_beyond_file", file_bytes({"w": W}, W_DATA[:8]), "extend beyond the data section"),
    ("truncated_data",
     file_bytes({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "w":
                 with_w(data_offsets=[8, 24])}, f32(1, 2) + W_DATA)[:-5],
     "extend beyond the data section"),
    ("trailing_bytes", file_bytes({"w": W}, W_DATA + b"\x00\x00\x00\x00"),
     "4 trailing bytes after the last tensor"),
    ("trailing_bytes_without_tensors", file_bytes({}, bytes(8)),
     "8 trailing bytes after the last tensor"),
    ("bool_byte_not_0_or_1",
     file_bytes({"m": {"dtype": "BOOL", "shape": [4], "data_offsets": [0, 4]}},
                b"\x00\x01\x02\x01"),
     "booleans must be 0 or 1"),
    # ---- the deepseek structure in __metadata__ ----
    ("structure_invalid_json", checkpoint(None, raw_structure='{"version":1,"root":'),
     "checkpoint structure is not valid JSON"),
    ("structure_duplicate_key",
     checkpoint(None, raw_structure='{"version":1,"root":{"tensor":"w","tensor":"w"}}'),
     "checkpoint structure has duplicate key 'tensor'"),
    ("structure_not_object", checkpoint(None, raw_structure="[1]"),
     "checkpoint structure must be"),
    ("structure_unknown_version", checkpoint({"tensor": "w"}, version=99),
     "version '99' is not supported"),
    ("structure_unknown_tag", checkpoint({"pickle": "os.system('echo pwned')"}),
     "has an unknown tag"),
    ("structure_missing_tensor", checkpoint({"dict": [["w", {"tensor": "w"}],
                                                      ["v", {"tensor": "v"}]]}),
     "references tensor 'v', which the file does not hold"),
    ("structure_unreferenced_tensor", checkpoint({"dict": [["epoch", 3]]}),
     "does not reference stored tensor 'w'"),
    ("structure_too_deep", checkpoint(None, raw_structure=nested_lists_structure(1001)),
     "nests deeper than 1000 levels"),
    ("structure_duplicate_dict_key",
     checkpoint({"dict": [["a", {"tensor": "w"}], ["a", 1]]}), "duplicate dict key"),
    ("structure_dict_key_float", checkpoint({"dict": [[1.5, {"tensor": "w"}]]}),
     "is not a dict key"),
    ("structure_bad_float", checkpoint({"tuple": [{"tensor": "w"}, {"float": "1e5"}]}),
     "is not a float"),
    ("structure_int_beyond_int64", checkpoint({"tuple": [{"tensor": "w"}, 2**64 - 1]}),
     "beyond int64"),
    ("structure_requires_grad_on_int",
     file_bytes({"__metadata__": {"deepseek.structure": json.dumps(
         {"version": 1, "root": {"tensor": "i", "requires_grad": True}})},
         "i": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]}}, bytes(8)),
     "only floating point tensors can require gradients"),
    ("structure_device_not_string", checkpoint({"tensor": "w", "device": 0}),
     "has a non-string device"),
]


def build_corpus():
    """{file name: (bytes, expected phrase)}; the tests compare it with the committed files."""
    corpus = {}
    for name, data, phrase in CASES:
        file_name = name + ".safetensors"
        assert file_name not in corpus, f"duplicate case {name}"
        corpus[file_name] = (data, phrase)
    return corpus


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    corpus = build_corpus()
    for old in os.listdir(OUT_DIR):
        if old.endswith(".safetensors") and old not in corpus:
            os.remove(os.path.join(OUT_DIR, old))
    for file_name, (data, _) in corpus.items():
        with open(os.path.join(OUT_DIR, file_name), "wb") as f:
            f.write(data)
    manifest = {file_name: phrase for file_name, (_, phrase) in sorted(corpus.items())}
    with open(os.path.join(OUT_DIR, MANIFEST), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(corpus)} files to {OUT_DIR}", file=sys.stderr)


if __name__ == "__main__":
    main()
