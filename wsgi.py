from shinjuku_pwa import create_app

app = create_app()
