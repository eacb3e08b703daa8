package dev.runneragent.runner;

import com.clarifai.grpc.api.status.StatusCode;
import dev.runneragent.api.ApiException;

/**
 * A runner reported on an item it no longer holds: the item was cancelled, finished by another runner, failed, or
 * its lease went to another runner. The runner should stop working on it ({@code RUNNER_ITEM_CANCELLED}).
 */
public class ItemCancelledException extends ApiException {

    public ItemCancelledException(String details) {
        super(StatusCode.RUNNER_ITEM_CANCELLED, details);
    }
}
