"""Parsers for the statutory and local data formats.

Pure functions (no Django): a file in, a `ParseResult` out, holding pandas DataFrames of
normalised records (columns named in each parser's module docstring) and the problems
found, each naming the file, the row or element path, the field, the value and the
reason. The import services (coredata/services/) validate across files and write.
"""
