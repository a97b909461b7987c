//! A seeded, stratified train / validation / test split: the same seed always yields the same
//! rows in each part, so `eval --split test` scores exactly the rows `fit` held out.

use reshelf_core::rng::SplitMix64;

pub struct Split {
    pub train: Vec<usize>,
    pub valid: Vec<usize>,
    pub test: Vec<usize>,
}

/// 70% / 15% / 15% within each class.
pub fn split(labels: &[bool], seed: u64) -> Split {
    let mut rng = SplitMix64::new(seed);
    let mut out = Split {
        train: Vec::new(),
        valid: Vec::new(),
        test: Vec::new(),
    };
    for class in [false, true] {
        let mut idx: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        shuffle(&mut idx, &mut rng);
        let n = idx.len();
        let (a, b) = (n * 70 / 100, n * 85 / 100);
        out.train.extend_from_slice(&idx[..a]);
        out.valid.extend_from_slice(&idx[a..b]);
        out.test.extend_from_slice(&idx[b..]);
    }
    out.train.sort_unstable();
    out.valid.sort_unstable();
    out.test.sort_unstable();
    out
}

/// Fisher-Yates.
pub fn shuffle<T>(items: &mut [T], rng: &mut SplitMix64) {
    for i in (1..items.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

/// A uniform float in [0, 1).
pub fn unit(rng: &mut SplitMix64) -> f32 {
    (rng.next_u64() >> 40) as f32 / (1u64 << 24) as f32
}

/// `k` stratified folds: each class shuffled by `seed` and dealt round-robin.
pub fn folds(labels: &[bool], k: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut rng = SplitMix64::new(seed ^ 0xf01d);
    let mut out = vec![Vec::new(); k.max(2)];
    let k = out.len();
    for class in [false, true] {
        let mut idx: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        shuffle(&mut idx, &mut rng);
        for (n, i) in idx.into_iter().enumerate() {
            out[n % k].push(i);
        }
    }
    for f in &mut out {
        f.sort_unstable();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_stratified_disjoint_and_deterministic() {
        let labels: Vec<bool> = (0..1000).map(|i| i % 5 == 0).collect();
        let s = split(&labels, 7);
        assert_eq!(s.train.len() + s.valid.len() + s.test.len(), 1000);
        let pos = |v: &[usize]| v.iter().filter(|&&i| labels[i]).count();
        assert_eq!((pos(&s.train), pos(&s.valid), pos(&s.test)), (140, 30, 30));
        let mut all: Vec<usize> = [s.train.clone(), s.valid.clone(), s.test.clone()].concat();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 1000);
        assert_eq!(split(&labels, 7).test, s.test);
    }
}
