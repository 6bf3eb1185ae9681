package io.github.orderoutbox.demo.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProductsTest {

    private static final Pattern ROW = Pattern.compile("\\('((?:[^']|'')*)', '((?:[^']|'')*)', '((?:[^']|'')*)'\\)");

    @Test
    void demoCatalogSqlHoldsExactlyTheProductsTheDemoSells() throws IOException {
        Path sql = Path.of(System.getProperty("project.root", ".."), "deploy", "demo-catalog.sql");
        List<List<String>> rows = new ArrayList<>();
        Matcher row = ROW.matcher(Files.readString(sql));
        while (row.find()) {
            rows.add(List.of(unquote(row.group(1)), unquote(row.group(2)), unquote(row.group(3))));
        }

        assertThat(rows).containsExactlyElementsOf(Products.ALL.stream()
                .map(product -> List.of(product.sku(), product.name(), product.category())).toList());
    }

    @Test
    void pricesInOtherCurrenciesAreRoundedToTheCent() {
        Product teapot = Products.ALL.get(1);

        assertThat(Products.price(teapot, "EUR").amount()).hasToString("24.90");
        assertThat(Products.price(teapot, "GBP").amount()).hasToString("21.41");
        assertThat(Products.price(teapot, "USD").amount()).hasToString("26.89");
    }

    private static String unquote(String text) {
        return text.replace("''", "'");
    }
}
