/**
 * The demo store's catalog: 8 to 12 categories drawn from the list below, products with
 * believable names and list prices inside their category's range, and Zipf-like popularity
 * (a few best sellers, a long tail), all from the seed.
 */
import { charmPrice, usdRate } from "./money";
import { Rng, WeightedSampler } from "./random";

interface CategoryTemplate {
  name: string;
  /** list price range in US dollars */
  minUsd: number;
  maxUsd: number;
  adjectives: readonly string[];
  nouns: readonly string[];
}

export const CATEGORY_TEMPLATES: readonly CategoryTemplate[] = [
  {
    name: "Apparel",
    minUsd: 14,
    maxUsd: 130,
    adjectives: [
      "Classic",
      "Organic Cotton",
      "Relaxed Fit",
      "Heritage",
      "Everyday",
      "Merino",
      "Vintage Wash",
      "Slim Fit",
      "Lightweight",
      "Oversized",
    ],
    nouns: [
      "T-Shirt",
      "Hoodie",
      "Crewneck Sweater",
      "Denim Jacket",
      "Chinos",
      "Flannel Shirt",
      "Rain Jacket",
      "Joggers",
      "Polo Shirt",
      "Cardigan",
      "Leggings",
      "Linen Shirt",
    ],
  },
  {
    name: "Footwear",
    minUsd: 35,
    maxUsd: 220,
    adjectives: ["Cloud", "Summit", "Urban", "Classic", "Waterproof", "Recycled", "Court", "Lightweight"],
    nouns: [
      "Running Shoe",
      "Trail Sneaker",
      "Chelsea Boot",
      "Canvas Sneaker",
      "Leather Loafer",
      "Slide Sandal",
      "Hiking Boot",
      "Slipper",
    ],
  },
  {
    name: "Accessories",
    minUsd: 9,
    maxUsd: 95,
    adjectives: ["Canvas", "Waxed", "Minimal", "Everyday", "Travel", "Woven", "Recycled", "Signature"],
    nouns: [
      "Tote Bag",
      "Backpack",
      "Beanie",
      "Leather Belt",
      "Wallet",
      "Sunglasses",
      "Scarf",
      "Cap",
      "Card Holder",
      "Watch Strap",
    ],
  },
  {
    name: "Home & Kitchen",
    minUsd: 8,
    maxUsd: 160,
    adjectives: ["Stoneware", "Handmade", "Nordic", "Artisan", "Walnut", "Speckled", "Matte", "Hearth"],
    nouns: [
      "Mug",
      "Pour-Over Set",
      "Chef's Knife",
      "Cutting Board",
      "Linen Napkins",
      "Candle",
      "Throw Blanket",
      "Cast Iron Skillet",
      "Glass Carafe",
      "Planter",
    ],
  },
  {
    name: "Beauty",
    minUsd: 6,
    maxUsd: 65,
    adjectives: ["Hydrating", "Botanical", "Vitamin C", "Calming", "Daily", "Rose", "Unscented", "Overnight"],
    nouns: [
      "Face Serum",
      "Lip Balm",
      "Hand Cream",
      "Shampoo Bar",
      "Gel Cleanser",
      "Sheet Mask",
      "Body Oil",
      "Sunscreen SPF 50",
      "Eye Cream",
    ],
  },
  {
    name: "Electronics",
    minUsd: 15,
    maxUsd: 420,
    adjectives: ["Pro", "Mini", "Max", "Studio", "Go", "Ultra", "Air", "Smart"],
    nouns: [
      "Wireless Earbuds",
      "Bluetooth Speaker",
      "Phone Case",
      "USB-C Charger",
      "Desk Lamp",
      "Power Bank",
      "Headphones",
      "Mechanical Keyboard",
      "Webcam",
    ],
  },
  {
    name: "Sports & Outdoors",
    minUsd: 10,
    maxUsd: 260,
    adjectives: ["Insulated", "Alpine", "Pro", "Eco", "Trail", "Ultralight", "Compact", "Performance"],
    nouns: [
      "Yoga Mat",
      "Water Bottle",
      "Resistance Bands",
      "Camping Lantern",
      "Daypack",
      "Dumbbell Set",
      "Trekking Poles",
      "Jump Rope",
      "Foam Roller",
    ],
  },
  {
    name: "Toys & Games",
    minUsd: 8,
    maxUsd: 90,
    adjectives: ["Family", "Classic", "Deluxe", "Mini", "Wooden", "Cosmic", "Jungle", "Ocean"],
    nouns: [
      "1000-Piece Puzzle",
      "Board Game",
      "Building Blocks",
      "Plush Bear",
      "Card Game",
      "Train Set",
      "Kite",
      "Art Set",
    ],
  },
  {
    name: "Books & Stationery",
    minUsd: 8,
    maxUsd: 45,
    adjectives: ["Dotted", "Hardcover", "Illustrated", "Pocket", "Weekly", "Collected", "Essential", "Seasonal"],
    nouns: ["Cookbook", "Field Guide", "Journal", "Notebook", "Travel Guide", "Sketchbook", "Planner", "Recipe Cards"],
  },
  {
    name: "Jewelry",
    minUsd: 20,
    maxUsd: 320,
    adjectives: ["Sterling Silver", "Gold Vermeil", "Pearl", "Minimal", "Twisted", "Birthstone", "Signet", "Dainty"],
    nouns: ["Necklace", "Hoop Earrings", "Ring", "Bracelet", "Pendant", "Anklet", "Stud Earrings", "Charm"],
  },
  {
    name: "Pet Supplies",
    minUsd: 5,
    maxUsd: 70,
    adjectives: ["Durable", "Cozy", "Reflective", "Natural", "Orthopedic", "Catnip", "Rope", "Stainless"],
    nouns: ["Dog Leash", "Cat Toy", "Pet Bed", "Chew Toy", "Food Bowl", "Grooming Brush", "Treat Pouch", "Collar"],
  },
  {
    name: "Pantry",
    minUsd: 4,
    maxUsd: 35,
    adjectives: [
      "Single Origin",
      "Organic",
      "Small Batch",
      "Wildflower",
      "Smoked",
      "Roasted",
      "Cold Pressed",
      "Sea Salt",
    ],
    nouns: [
      "Coffee Beans",
      "Loose Leaf Tea",
      "Olive Oil",
      "Dark Chocolate",
      "Honey",
      "Granola",
      "Hot Sauce",
      "Spice Blend",
    ],
  },
];

const VARIANTS: readonly string[] = [
  "Black",
  "Navy",
  "Sand",
  "Olive",
  "Charcoal",
  "Ivory",
  "Rust",
  "Sage",
  "Slate",
  "Blush",
  "Large",
  "Small",
  "Set of 2",
  "Travel Size",
];

export interface Product {
  index: number;
  id: string;
  name: string;
  category: string;
  /** list price in minor units */
  price: number;
}

export interface Catalog {
  products: Product[];
  categories: string[];
  /** draws a product index with Zipf-like popularity */
  popularity: WeightedSampler;
}

/** Zipf exponent of product popularity: the best seller sells about 2× the second. */
export const ZIPF_EXPONENT = 1.05;

export function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

export function buildCatalog(rng: Rng, productCount: number, currency: string, minorUnits: number): Catalog {
  const templates = rng.shuffle([...CATEGORY_TEMPLATES]).slice(0, rng.int(8, 12));
  const categoryWeights = templates.map(() => rng.range(0.5, 1.5));
  const categorySampler = new WeightedSampler(categoryWeights);
  const rate = usdRate(currency);
  const width = Math.max(4, String(productCount).length);
  const usedNames = new Set<string>();
  const products: Product[] = [];
  for (let i = 0; i < productCount; i++) {
    // every category gets at least one product while there are enough of them
    const template = i < templates.length ? templates[i] : templates[categorySampler.sample(rng)];
    let name = `${rng.pick(template.adjectives)} ${rng.pick(template.nouns)}`;
    if (usedNames.has(name)) name = `${name} (${rng.pick(VARIANTS)})`;
    for (let n = 2; usedNames.has(name); n++) name = `${name.replace(/ #\d+$/, "")} #${n}`;
    usedNames.add(name);
    // log-uniform inside the category's range, in the store's currency
    const usd = Math.exp(rng.range(Math.log(template.minUsd), Math.log(template.maxUsd)));
    products.push({
      index: i,
      id: `prod-${pad(i + 1, width)}`,
      name,
      category: template.name,
      price: charmPrice(usd * rate, minorUnits, rng.chance(0.75)),
    });
  }
  // popularity ranks are a random permutation, so best sellers are spread over categories
  const ranks = rng.shuffle(Array.from({ length: productCount }, (_, i) => i));
  const weights = ranks.map((rank) => 1 / (rank + 1) ** ZIPF_EXPONENT);
  return {
    products,
    categories: [...new Set(products.map((p) => p.category))],
    popularity: new WeightedSampler(productCount > 0 ? weights : [1]),
  };
}
