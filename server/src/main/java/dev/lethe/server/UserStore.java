package dev.lethe.server;

import java.util.List;
import java.util.Optional;

/** Where local users and their password hashes are kept. */
public interface UserStore {

    /** A user with its password hash, for sign-in only. */
    record Credentials(User user, String passwordHash) {}

    Optional<Credentials> credentials(String name) throws Exception;

    /**
     * Adds a user.
     *
     * @throws IllegalArgumentException if the name is taken
     */
    void add(String name, Role role, String passwordHash) throws Exception;

    List<User> list() throws Exception;

    /**
     * @return false when there is no such user
     */
    boolean disable(String name) throws Exception;

    /** Sets a new password hash and enables the user again; false when there is no such user. */
    boolean resetPassword(String name, String passwordHash) throws Exception;
}
