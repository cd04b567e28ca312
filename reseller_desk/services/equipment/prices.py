"""A model's prices in force in a month (the one reader: the billing run's rents, a sale's price,
a lost unit's replacement, the warranty penalty's price when the contract was made), inside the
caller's transaction. domain.equipment.equipment_price_in decides; this reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk.db.models import EquipmentModel, EquipmentPriceChange
from reseller_desk.domain.equipment import EquipmentPrice, equipment_price_in

__all__ = ["model_prices_in"]


def model_prices_in(session: Session, month: dt.date, model_ids: Collection[int] | None = None
                    ) -> dict[int, EquipmentPrice]:
    """Model id → its sale price and rent in force in ``month``, for every model or those given;
    two queries."""
    month = month.replace(day=1)
    models = select(EquipmentModel.id, EquipmentModel.sale_price, EquipmentModel.rental_fee)
    changes = select(EquipmentPriceChange.model_id, EquipmentPriceChange.from_month, EquipmentPriceChange.sale_price,
                     EquipmentPriceChange.rental_fee).where(EquipmentPriceChange.from_month <= month)
    if model_ids is not None:
        models = models.where(EquipmentModel.id.in_(model_ids))
        changes = changes.where(EquipmentPriceChange.model_id.in_(model_ids))
    by_model: dict[int, list[tuple[dt.date, EquipmentPrice]]] = {}
    for model_id, from_month, sale, rent in session.execute(changes).all():
        by_model.setdefault(model_id, []).append((from_month, EquipmentPrice(sale, rent)))
    return {model_id: equipment_price_in(month, EquipmentPrice(sale, rent), by_model.get(model_id, ()))
            for model_id, sale, rent in session.execute(models).all()}
