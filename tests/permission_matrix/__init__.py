"""The permission matrix (STYLE.md): its vocabulary and rows, split by area."""
