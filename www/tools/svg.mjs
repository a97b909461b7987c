// Product images as small generated SVGs: no external assets, distinct per product.
import { category } from './catalog.mjs';

const SHAPES = {
  shoe: '<path d="M40 130 q10-40 40-40 l30 20 q40 10 60 30 v15 h-130z" />',
  jacket: '<path d="M70 50 l30 15 30-15 30 25-15 20-10-8v83h-70v-83l-10 8-15-20z" />',
  bag: '<path d="M55 80h90l10 90h-110z" /><path d="M80 80 q20-45 40 0" fill="none" stroke="#fff" stroke-width="8"/>',
  watch: '<rect x="85" y="30" width="30" height="140" rx="8"/><circle cx="100" cy="100" r="38" stroke="#fff" stroke-width="6"/>',
  hat: '<path d="M50 130 q50-100 100 0z" /><rect x="35" y="128" width="130" height="12" rx="6"/>',
  glasses: '<circle cx="70" cy="100" r="28"/><circle cx="130" cy="100" r="28"/><rect x="95" y="95" width="10" height="6"/>',
};

export function productSvg(p, index) {
  const c = category(p.category);
  const hue = (index * 37) % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" role="img" aria-label="${p.name}">
<rect width="200" height="200" fill="hsl(${hue} 45% 92%)"/>
<circle cx="${40 + (index * 13) % 120}" cy="${30 + (index * 29) % 60}" r="${18 + (index % 5) * 4}" fill="hsl(${hue} 60% 80%)"/>
<g fill="${c.color}">${SHAPES[c.shape]}</g>
<text x="100" y="190" font-family="sans-serif" font-size="13" text-anchor="middle" fill="#333">${p.name}</text>
</svg>
`;
}
