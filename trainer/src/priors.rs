//! Page-statistic priors per page kind, shipped with the model for pages the backend has no
//! statistics for yet: the mean bounce rate, exit rate and page value of sessions that stayed
//! on one kind of page (the only sessions whose averages belong to a single kind).

use reshelf_core::features::{PagePriors, PageStat, SessionFeatures};

pub fn estimate(rows: &[&SessionFeatures]) -> PagePriors {
    let kind_only = |pick: fn(&SessionFeatures) -> [f32; 3]| {
        let mut sum = [0.0f64; 3];
        let mut n = 0.0f64;
        for f in rows {
            let [own, other1, other2] = pick(f);
            if own > 0.0 && other1 == 0.0 && other2 == 0.0 {
                sum[0] += f64::from(f.bounce_rate);
                sum[1] += f64::from(f.exit_rate);
                sum[2] += f64::from(f.page_value);
                n += 1.0;
            }
        }
        let n = n.max(1.0);
        PageStat {
            bounce_rate: (sum[0] / n) as f32,
            exit_rate: (sum[1] / n) as f32,
            page_value: (sum[2] / n) as f32,
        }
    };
    PagePriors {
        administrative: kind_only(|f| [f.administrative, f.informational, f.product_related]),
        informational: kind_only(|f| [f.informational, f.administrative, f.product_related]),
        product_related: kind_only(|f| [f.product_related, f.administrative, f.informational]),
    }
}
