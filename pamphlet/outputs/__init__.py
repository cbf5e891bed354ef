"""The output formats: the reading PDF, the imposed print PDF and the EPUB."""
