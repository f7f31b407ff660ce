"""The upload page's parts: signing in, the result messages, and one module per tab."""
