"""The web servers the docs configure (nginx, Caddy, Apache), run for real by the tests."""
