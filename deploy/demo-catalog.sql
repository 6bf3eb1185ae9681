-- The products the demo orders service sells (demo-orders: traffic/Products.java, kept equal by
-- ProductsTest), for the event consumer's catalogue, so the read model's order lines get a name
-- and a category. Run by the database owner once the read-model migrations have created
-- catalog.product (the consumer applies them at start-up); running it again changes nothing.
-- Without it the demo works the same, its lines recorded with product_known = false.
INSERT INTO catalog.product (sku, name, category) VALUES
    ('SKU-1', 'Espresso cup', 'kitchen'),
    ('SKU-2', 'Teapot', 'kitchen'),
    ('SKU-3', 'Desk lamp', 'office'),
    ('SKU-4', 'Notebook A5', 'office'),
    ('SKU-5', 'Fountain pen', 'office'),
    ('SKU-6', 'Garden hose 25 m', 'garden'),
    ('SKU-7', 'Pruning shears', 'garden'),
    ('SKU-8', 'Wooden train set', 'toys'),
    ('SKU-9', 'Puzzle, 1000 pieces', 'toys'),
    ('SKU-10', 'Paperback novel', 'books'),
    ('SKU-11', 'Cookbook', 'books'),
    ('SKU-12', 'Chef''s knife', 'kitchen')
ON CONFLICT (sku) DO NOTHING;
