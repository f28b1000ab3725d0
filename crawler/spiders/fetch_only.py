"""A spider that fetches a fixed list of URLs and does nothing with them.

The crawl benchmark runs it over the pages a real crawl visited, to measure the bare cost of
fetching next to the cost of fetching plus extraction and storage.
"""
from __future__ import annotations

import scrapy


class FetchOnlySpider(scrapy.Spider):
    """Fetch ``urls``; the parse callback does nothing."""
    name = "fetch_only"

    def __init__(self, urls: list[str], **kwargs):
        super().__init__(**kwargs)
        self.page_urls = list(urls)
        self.pages = 0

    async def start(self):
        for url in self.page_urls:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response):
        self.pages += 1
        return None
