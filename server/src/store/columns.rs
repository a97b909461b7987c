//! The typed columns a stored summary carries beside its body (migration
//! `0005_typed_columns.sql`): what insights use, in SQL types, so ad-hoc queries and a rebuild
//! of the rollups need no JSON decoding. One list, used by ingest's insert and by the
//! backfill of rows stored before the columns existed.

use reshelf_core::summary::Summary;

use crate::aggregate::{calibration_bin, calibration_checkpoint, day_of, UnitKey};

/// One typed column's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Typed {
    Int(i64),
    /// A nullable integer (no intent checkpoint to calibrate with).
    MaybeInt(Option<i64>),
    Text(String),
    Bool(bool),
}

/// The typed columns, in [`typed`]'s order.
pub const TYPED: [&str; 16] = [
    "day",
    "unit",
    "ranker",
    "model",
    "pv_admin",
    "pv_info",
    "pv_product",
    "secs_admin",
    "secs_info",
    "secs_product",
    "cart",
    "value_band",
    "intent_bin",
    "device",
    "source",
    "returning_visitor",
];

/// The typed columns of `s`, in [`TYPED`]'s order: the day (UTC) it started, its
/// randomisation unit, ranker and model versions (empty when none), page views and seconds
/// per kind, add-to-cart count, order value band, the tenth of its calibration checkpoint
/// (`crate::aggregate::calibration_checkpoint`), device and traffic source classes (their
/// index), and whether the visitor was returning.
pub fn typed(s: &Summary) -> [Typed; TYPED.len()] {
    use Typed::{Bool, Int, MaybeInt, Text};
    [
        Int(day_of(s.ts)),
        Int(UnitKey::unit_of(s)),
        Text(s.rk.clone().unwrap_or_default()),
        Text(s.model.clone().unwrap_or_default()),
        Int(i64::from(s.pv[0])),
        Int(i64::from(s.pv[1])),
        Int(i64::from(s.pv[2])),
        Int(i64::from(s.secs[0])),
        Int(i64::from(s.secs[1])),
        Int(i64::from(s.secs[2])),
        Int(i64::from(s.out.cart)),
        Int(i64::from(s.out.value_band)),
        MaybeInt(calibration_checkpoint(s).map(|q| calibration_bin(i64::from(q)))),
        Int(s.dev as i64),
        Int(s.src as i64),
        Bool(s.ret),
    ]
}

/// Binds one [`Typed`] value with `$method` (`bind` on a query, `push_bind` on a
/// `QueryBuilder`'s row), whatever its SQL type.
macro_rules! bind_typed {
    ($binder:expr, $method:ident, $value:expr) => {
        match $value {
            $crate::store::columns::Typed::Int(x) => $binder.$method(x),
            $crate::store::columns::Typed::MaybeInt(x) => $binder.$method(x),
            $crate::store::columns::Typed::Text(x) => $binder.$method(x),
            $crate::store::columns::Typed::Bool(x) => $binder.$method(x),
        }
    };
}
pub(crate) use bind_typed;
