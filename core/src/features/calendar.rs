//! Special days: how close the session is to a day that changes shopping (Valentine's Day,
//! Mother's Day, ...). The training data encodes it as 0..1 rising to 1 six days before the
//! day and back to 0 within four days either side (Sakar et al. 2019), so the same shape is
//! computed here from a configurable list of dates.

use serde::{Deserialize, Serialize};

/// A calendar date (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(raw: &str) -> Option<Self> {
        let mut parts = raw.trim().splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month: u8 = parts.next()?.parse().ok()?;
        let day: u8 = parts.next()?.parse().ok()?;
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(Date { year, month, day })
    }

    /// The date `days` days after 1970-01-01 (Howard Hinnant's civil_from_days), the inverse
    /// of [`Date::days`].
    pub fn from_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Day of the week, 0 = Sunday.
    pub fn weekday(self) -> u8 {
        (self.days() + 4).rem_euclid(7) as u8
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    pub fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

/// The special days a store cares about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Calendar {
    pub days: Vec<Date>,
}

impl Default for Calendar {
    /// Valentine's Day and (US) Mother's Day for 2024–2030: the two days the training data's
    /// store marked.
    fn default() -> Self {
        let mothers = [
            (2024, 12),
            (2025, 11),
            (2026, 10),
            (2027, 9),
            (2028, 14),
            (2029, 13),
            (2030, 12),
        ];
        let mut days = Vec::new();
        for (year, may_day) in mothers {
            days.push(Date {
                year,
                month: 2,
                day: 14,
            });
            days.push(Date {
                year,
                month: 5,
                day: may_day,
            });
        }
        Calendar { days }
    }
}

impl Calendar {
    /// Closeness of `today` to the nearest special day, 0..1 in steps of 0.2.
    pub fn closeness(&self, today: Date) -> f32 {
        let t = today.days();
        self.days
            .iter()
            .map(|d| special_day(d.days() - t))
            .fold(0.0, f32::max)
    }
}

/// Closeness for a special day `days_until` days ahead: 1.0 six days before, falling by 0.2
/// per day either side.
pub fn special_day(days_until: i64) -> f32 {
    let distance = (days_until - 6).unsigned_abs();
    if days_until < 1 || distance >= 5 {
        return 0.0;
    }
    1.0 - 0.2 * distance as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_from_civil_matches_known_dates() {
        assert_eq!(
            Date {
                year: 1970,
                month: 1,
                day: 1
            }
            .days(),
            0
        );
        assert_eq!(
            Date {
                year: 2000,
                month: 3,
                day: 1
            }
            .days(),
            11_017
        );
        assert_eq!(
            Date::parse("2026-11-22").unwrap().days() - Date::parse("2026-11-21").unwrap().days(),
            1
        );
    }

    #[test]
    fn from_days_inverts_days_and_weekdays_are_right() {
        for days in [0i64, 11_017, 20_414, -1, -719_468] {
            assert_eq!(Date::from_days(days).days(), days);
        }
        assert_eq!(Date::parse("2026-11-22").unwrap().weekday(), 0, "a Sunday");
        assert_eq!(
            Date::parse("1970-01-01").unwrap().weekday(),
            4,
            "a Thursday"
        );
    }

    #[test]
    fn closeness_peaks_six_days_before() {
        let cal = Calendar {
            days: vec![Date {
                year: 2026,
                month: 2,
                day: 14,
            }],
        };
        let on = |d| {
            cal.closeness(Date {
                year: 2026,
                month: 2,
                day: d,
            })
        };
        assert_eq!(on(8), 1.0);
        assert!((on(5) - 0.4).abs() < 1e-6);
        assert!((on(10) - 0.6).abs() < 1e-6);
        assert!((on(12) - 0.2).abs() < 1e-6);
        assert_eq!(on(1), 0.0);
        assert_eq!(on(14), 0.0);
    }

    #[test]
    fn parses_iso_dates_only() {
        assert_eq!(
            Date::parse("2026-02-14"),
            Some(Date {
                year: 2026,
                month: 2,
                day: 14
            })
        );
        assert_eq!(Date::parse("2026-13-01"), None);
        assert_eq!(Date::parse("14/02/2026"), None);
    }
}
