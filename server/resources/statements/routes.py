"""Signed statements (#15 §4): the public keys, public verification, a household's signed statement and its PDF."""

from flask.views import MethodView

from server.extensions import auth, limits
from server.extensions.files import FILE, download
from server.extensions.smorest import Blueprint
from server.resources.statements.schemas import KeysSchema, SignedStatementSchema, VerdictSchema, VerifySchema
from server.services.ledger import signing, statements
from server.services.oversight import documents, statement_pdf

blp = Blueprint("statements", __name__, url_prefix="", description="Signed statements (存折签名)")
auth.register_scope("statement_id", "Statement", community_of=statements.statement_scope)

@blp.route("/api/v1/keys")
class Keys(MethodView):
    @auth.public
    @blp.response(200, KeysSchema)
    def get(self):
        """The public statement-signing keys (public)

        Every community's Ed25519 public keys, with their ids and validity (retired keys too,
        so that what they signed stays verifiable). The same body is served at
        `/.well-known/lovebank-keys.json`; another Love Bank trusts this one by putting it in
        its `TRUSTED_STATEMENT_KEYS_FILE`.
        """
        return signing.published_keys()


@blp.route("/.well-known/lovebank-keys.json")
class WellKnownKeys(MethodView):
    @auth.public
    @blp.response(200, KeysSchema)
    def get(self):
        """The public statement-signing keys, at their well-known address (public)"""
        return signing.published_keys()


@blp.route("/api/v1/statements/verify")
class Verify(MethodView):
    @auth.public
    @limits.area(limits.STATEMENT)
    @blp.arguments(VerifySchema)
    @blp.response(200, VerdictSchema)
    def post(self, body):
        """Check a signed statement (public): valid, or why not

        The body is the signed statement (its canonical fields, `key_id` and `signature`) or
        `{"compact": "LB1.…"}`, the text of the PDF's QR code. Checked against this bank's
        published keys: an altered figure, another key, an unknown key or a key outside its
        validity makes it invalid, each with a code and a Chinese reason.
        """
        return signing.verify(body.get("compact") or body)


@blp.route("/api/v1/statements/<int:statement_id>/signed")
class SignedStatement(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.response(200, SignedStatementSchema)
    def get(self, statement_id):
        """A month's signed statement (its household, coordinators)

        The signed document, its compact form (what the PDF's QR code holds), and this bank's
        own check of it with the words to show (已签名 · 校验通过).
        """
        return statements.signed_for(auth.current_member(), statement_id)


@blp.route("/api/v1/statements/<int:statement_id>/pdf")
class StatementPdf(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.response(200, FILE, description="The statement (PDF, A4) with its QR code", content_type=documents.PDF_TYPE)
    def get(self, statement_id):
        """A month's statement as PDF, with the signed statement in a QR code (its household, coordinators)"""
        statement = statements.statement_for(auth.current_member(), statement_id)
        return download(statement_pdf.pdf(statement), f"月结单-{statement.year}-{statement.month:02d}.pdf",
                        documents.PDF_TYPE)
