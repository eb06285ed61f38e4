package dev.lethe.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** A {@code contacts} row as the helpdesk's schema has it, column by column, for benches. */
final class ContactRows {

    private ContactRows() {}

    /** The row; {@code created} is also its {@code updated_at}; never deleted. */
    static Map<String, String> of(
            String id,
            String accountId,
            String firstName,
            String lastName,
            String email,
            String phone,
            String mobile,
            String twitterHandle,
            String locale,
            String region,
            String created) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("account_id", accountId);
        r.put("first_name", firstName);
        r.put("last_name", lastName);
        r.put("email", email);
        r.put("phone", phone);
        r.put("mobile", mobile);
        r.put("twitter_handle", twitterHandle);
        r.put("locale", locale);
        r.put("region", region);
        r.put("created_at", created);
        r.put("updated_at", created);
        r.put("deleted_at", null);
        return r;
    }
}
