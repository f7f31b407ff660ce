"""Reading articles: Chinese numbers and periods, sentences → figures → contract rows, the build."""
