package io.serai.security.credentials;

import io.serai.http.FoldedNames;
import org.apache.camel.Message;

import java.util.Collection;

/**
 * The fields a check sets for the backend after it admits a request (a key's name, a user, token
 * claims). Whatever the client sent under a name that folds to one of them ({@code x-user-id},
 * {@code X_User_Id} for {@code X-User-Id}) is removed first: a backend that folds names (CGI, PHP,
 * WSGI, Rack) would otherwise read the client's copy beside, or instead of, the real one.
 */
public final class IdentityHeaders {

    public static final IdentityHeaders NONE = new IdentityHeaders(new String[0]);

    private final String[] folded;

    private IdentityHeaders(String[] folded) {
        this.folded = folded;
    }

    public static IdentityHeaders of(Collection<String> names) {
        return names.isEmpty()
                ? NONE
                : new IdentityHeaders(names.stream().map(FoldedNames::fold).toArray(String[]::new));
    }

    public static IdentityHeaders of(String name) {
        return name == null ? NONE : new IdentityHeaders(new String[] {FoldedNames.fold(name)});
    }

    /** Removes every field of {@code message} whose folded name is one of these. */
    public void removeFrom(Message message) {
        if (folded.length > 0 && message.hasHeaders()) {
            message.getHeaders().keySet().removeIf(this::matches);
        }
    }

    private boolean matches(String name) {
        for (String f : folded) {
            if (FoldedNames.matches(name, f)) {
                return true;
            }
        }
        return false;
    }
}
