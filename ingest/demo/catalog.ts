// The product catalogs a demo brand sells. Static (not seeded): a brand's
// catalog is the same on every run, so product ids line up across the
// tracking API and Shopify, and across restarts.

export const CATALOG_NAMES = ['fashion', 'electronics', 'beauty'] as const;
export type CatalogName = (typeof CATALOG_NAMES)[number];

export interface Product {
  /** Numeric, as Shopify writes product ids; the tracking API sends the same id as a string. */
  product_id: string;
  sku: string;
  name: string;
  category: string;
  /** In whole rupees, so sums stay exact. */
  price: number;
}

export interface Catalog {
  name: CatalogName;
  currency: string;
  categories: string[];
  products: Product[];
}

interface CategorySpec {
  category: string;
  items: string[];
  /** Lowest and highest price in rupees. */
  price: [number, number];
}

const SPECS: Record<CatalogName, CategorySpec[]> = {
  fashion: [
    {
      category: 'Kurtas',
      items: ['Cotton Kurta', 'Linen Kurta', 'Block Print Kurta', 'Chikankari Kurta'],
      price: [899, 2499],
    },
    {
      category: 'Sarees',
      items: ['Banarasi Silk Saree', 'Cotton Handloom Saree', 'Chiffon Saree'],
      price: [1999, 8999],
    },
    {
      category: 'Dresses',
      items: ['Floral Midi Dress', 'Wrap Dress', 'Tiered Maxi Dress', 'Shirt Dress'],
      price: [1299, 3499],
    },
    { category: 'Jeans', items: ['Slim Fit Jeans', 'Straight Jeans', 'Wide Leg Jeans'], price: [1499, 2999] },
    {
      category: 'Sneakers',
      items: ['Canvas Sneakers', 'Leather Sneakers', 'Running Shoes'],
      price: [1799, 5999],
    },
    { category: 'Handbags', items: ['Tote Bag', 'Sling Bag', 'Leather Clutch'], price: [999, 4499] },
  ],
  electronics: [
    {
      category: 'Smartphones',
      items: ['Nova 5G 128GB', 'Nova Pro 256GB', 'Lite 4G 64GB'],
      price: [9999, 44999],
    },
    {
      category: 'Headphones',
      items: ['Wireless Earbuds', 'Noise Cancelling Headphones', 'Neckband'],
      price: [999, 14999],
    },
    {
      category: 'Laptops',
      items: ['UltraBook 14', 'Gaming Laptop 15', 'Chromebook 11'],
      price: [24999, 89999],
    },
    {
      category: 'Smartwatches',
      items: ['Fit Band', 'Smartwatch AMOLED', 'Kids Watch'],
      price: [1999, 12999],
    },
    {
      category: 'Chargers',
      items: ['65W GaN Charger', 'Power Bank 20000mAh', 'USB-C Cable 2m'],
      price: [299, 2999],
    },
    {
      category: 'Speakers',
      items: ['Bluetooth Speaker', 'Soundbar 2.1', 'Party Speaker'],
      price: [1499, 19999],
    },
  ],
  beauty: [
    {
      category: 'Skincare',
      items: ['Vitamin C Serum', 'Niacinamide Serum', 'Sunscreen SPF 50', 'Night Cream'],
      price: [349, 1299],
    },
    {
      category: 'Makeup',
      items: ['Matte Lipstick', 'Kajal', 'Liquid Foundation', 'Compact Powder'],
      price: [199, 1199],
    },
    { category: 'Haircare', items: ['Onion Hair Oil', 'Keratin Shampoo', 'Hair Mask'], price: [299, 899] },
    { category: 'Fragrance', items: ['Oud Eau de Parfum', 'Body Mist', 'Attar Roll-on'], price: [399, 2999] },
    {
      category: 'Bath & Body',
      items: ['Ubtan Body Wash', 'Shea Body Butter', 'Coffee Scrub'],
      price: [249, 799],
    },
  ],
};

const CATALOG_NUMBER: Record<CatalogName, number> = { fashion: 1, electronics: 2, beauty: 3 };

function buildCatalog(name: CatalogName): Catalog {
  const specs = SPECS[name];
  const products = specs.flatMap((spec, c) =>
    spec.items.map((item, i): Product => {
      const [low, high] = spec.price;
      // Spread prices across the range deterministically and end them in 9, as shops do.
      const step = spec.items.length > 1 ? i / (spec.items.length - 1) : 0;
      const price = Math.round((low + (high - low) * step) / 10) * 10 - 1;
      const number = 7_000_000_000 + CATALOG_NUMBER[name] * 10_000_000 + c * 1000 + i;
      return {
        product_id: String(number),
        sku: `${name.slice(0, 3).toUpperCase()}-${c + 1}${String(i + 1).padStart(2, '0')}`,
        name: item,
        category: spec.category,
        price: Math.max(price, low),
      };
    }),
  );
  return { name, currency: 'INR', categories: specs.map((spec) => spec.category), products };
}

const CATALOGS: Record<CatalogName, Catalog> = {
  fashion: buildCatalog('fashion'),
  electronics: buildCatalog('electronics'),
  beauty: buildCatalog('beauty'),
};

export function catalogFor(name: CatalogName): Catalog {
  return CATALOGS[name];
}
