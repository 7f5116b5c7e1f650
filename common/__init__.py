"""Small shared pieces every layer may use: errors, settings, Swedish formatting."""
