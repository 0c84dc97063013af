"""Extension objects created without an app; create_app() binds them. Imports nothing of ours."""
from typing import TYPE_CHECKING

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()

# The models' base class. At run time it is db.Model: Base with Flask-SQLAlchemy's mixins.
# mypy cannot take an attribute as a base class, so it is shown Base, which declares the same columns.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
