//! Page-statistic priors per page kind, shipped with the model for pages the backend has no
//! statistics for yet: the median bounce rate, exit rate and page value of training sessions
//! that stayed on one kind of page (the only sessions whose averages belong to a single kind).
//!
//! Medians, not means: page value is zero for most pages and large for the few that lead to a
//! purchase, so its mean would credit every unknown page with a purchase signal it does not
//! have.

use reshelf_core::features::{PagePriors, PageStat, SessionFeatures};

pub fn estimate(rows: &[&SessionFeatures]) -> PagePriors {
    let kind_only = |pick: fn(&SessionFeatures) -> [f32; 3]| {
        let mut cols: [Vec<f32>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        for f in rows {
            let [own, other1, other2] = pick(f);
            if own > 0.0 && other1 == 0.0 && other2 == 0.0 {
                cols[0].push(f.bounce_rate);
                cols[1].push(f.exit_rate);
                cols[2].push(f.page_value);
            }
        }
        let [b, e, v] = cols.map(median);
        PageStat {
            bounce_rate: b,
            exit_rate: e,
            page_value: v,
        }
    };
    PagePriors {
        administrative: kind_only(|f| [f.administrative, f.informational, f.product_related]),
        informational: kind_only(|f| [f.informational, f.administrative, f.product_related]),
        product_related: kind_only(|f| [f.product_related, f.administrative, f.informational]),
    }
}

fn median(mut v: Vec<f32>) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}

#[cfg(test)]
mod tests {
    use super::*;
    use reshelf_core::features::{Month, VisitorType};

    fn session(admin: f32, product: f32, value: f32) -> SessionFeatures {
        SessionFeatures {
            administrative: admin,
            administrative_duration: 0.0,
            informational: 0.0,
            informational_duration: 0.0,
            product_related: product,
            product_related_duration: 0.0,
            bounce_rate: 0.01,
            exit_rate: 0.02,
            page_value: value,
            special_day: 0.0,
            month: Month(0),
            weekend: false,
            visitor: VisitorType::New,
        }
    }

    #[test]
    fn priors_use_single_kind_sessions_and_medians() {
        let rows = [
            session(0.0, 3.0, 0.0),
            session(0.0, 2.0, 0.0),
            session(0.0, 5.0, 90.0),
            session(1.0, 1.0, 500.0),
        ];
        let p = estimate(&rows.iter().collect::<Vec<_>>());
        assert_eq!(
            p.product_related.page_value, 0.0,
            "one big value does not move the median"
        );
        assert_eq!(p.product_related.exit_rate, 0.02);
        assert_eq!(
            p.administrative,
            PageStat::default(),
            "no admin-only sessions"
        );
    }
}
