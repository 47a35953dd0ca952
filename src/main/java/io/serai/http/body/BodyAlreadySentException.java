package io.serai.http.body;

/** A body cannot be sent (again): part of it went to an earlier sink and was not kept. */
public final class BodyAlreadySentException extends Exception {

    public BodyAlreadySentException(String why) {
        super(why, null, false, false);
    }
}
