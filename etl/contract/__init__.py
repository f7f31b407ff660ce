"""The data contract: the vocabulary, the table schemas, figure identity, file layout and errors."""
