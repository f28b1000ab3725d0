"""Spiders: one that follows product pages, category/listing pages and sitemaps (:mod:`.reviews`),
and a fetch-only one the crawl benchmark compares it with (:mod:`.fetch_only`)."""
