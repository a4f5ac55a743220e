package dev.berth.storage.meta;

import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A management listing in SQL: the rows of a table that meet the conditions added one by one, counted over
 * all pages, and one page of them in a stable order ({@code OFFSET ... FETCH NEXT}, standard SQL that H2 and
 * PostgreSQL both run). Every listing of the management API (registries, users, repositories, artifacts,
 * history) is one, so that filtering and paging behave alike everywhere.
 */
final class PagedQuery {
    private final String from;
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> parameters = new ArrayList<>();

    /** A listing of the rows of {@code from}: a table and its alias, as the conditions and columns name it. */
    PagedQuery(String from) {
        this.from = from;
    }

    /** Keeps the rows that meet {@code condition}, whose {@code ?} marks take {@code values} in order. */
    PagedQuery where(String condition, Object... values) {
        conditions.add(condition);
        parameters.addAll(List.of(values));
        return this;
    }

    /**
     * Keeps the rows whose {@code text} (an SQL expression) contains {@code fragment}, ignoring case; keeps
     * every row when {@code fragment} is null. {@link PageRequest} hands the fragment over in lower case.
     */
    PagedQuery whereContains(String text, String fragment) {
        return fragment == null ? this : where("POSITION(? IN LOWER(" + text + ")) > 0", fragment);
    }

    /**
     * The number of matching rows and the requested page of them, ordered by {@code orderBy} (which must be
     * total, or pages could overlap), each row read by {@code reader} from the selected {@code columns}.
     */
    <T> Listing<T> list(Connection c, String columns, String orderBy, PageRequest page, Database.RowReader<T> reader)
            throws SQLException {
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        long count = Database.queryLong(c, "SELECT COUNT(*) FROM " + from + where, parameters.toArray());
        List<Object> paged = new ArrayList<>(parameters);
        paged.add(page.offset());
        paged.add(page.size());
        return new Listing<>(count, Database.queryList(c, "SELECT " + columns + " FROM " + from + where
                + " ORDER BY " + orderBy + " OFFSET ? ROWS FETCH NEXT ? ROWS ONLY", reader, paged.toArray()));
    }
}
