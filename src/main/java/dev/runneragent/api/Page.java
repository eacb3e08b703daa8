package dev.runneragent.api;

import java.util.List;

/**
 * One page of a list: {@code page} counts from 1 (default 1) and {@code perPage} defaults to 128 with a maximum of
 * 1000, as the API documents. Lists carry no total; a short page means the end.
 */
public record Page(int page, int perPage) {

    public static final int DEFAULT_PER_PAGE = 128;
    public static final int MAX_PER_PAGE = 1000;

    /** Validates the request's values; 0 means "not given". */
    public static Page of(int page, int perPage, ResourceKind kind) {
        if (page < 0) {
            throw kind.invalid("page must be 1 or more, got " + Integer.toUnsignedString(page));
        }
        if (perPage < 0 || perPage > MAX_PER_PAGE) {
            throw kind.invalid(
                    "perPage must be between 1 and " + MAX_PER_PAGE + ", got " + Integer.toUnsignedString(perPage));
        }
        return new Page(page == 0 ? 1 : page, perPage == 0 ? DEFAULT_PER_PAGE : perPage);
    }

    public long offset() {
        return (long) (page - 1) * perPage;
    }

    /** This page of an already ordered list. */
    public <T> List<T> slice(List<T> all) {
        if (offset() >= all.size()) {
            return List.of();
        }
        int from = (int) offset();
        return all.subList(from, Math.min(all.size(), from + perPage));
    }
}
