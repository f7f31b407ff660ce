"""The upload page's parts: signing in, the result messages, the preview, one module per tab."""
