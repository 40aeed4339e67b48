# Guarded: the API's template-checking processes (spawn) import this module as __mp_main__,
# and the import inside keeps the service's own modules (gRPC, SQLAlchemy, NATS) out of them.
if __name__ == "__main__":
    from services.training.main import main

    main()
