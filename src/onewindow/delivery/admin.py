from onewindow.delivery.lockers import admin as lockers_admin  # noqa: F401  (registers the models)
