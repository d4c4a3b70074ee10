"""Every model, in dependency order; migrations and the schema test read MODELS."""

from server.models.agreements import Agreement, AgreementSignature, AgreementVolunteer, RecipientFile
from server.models.audits import Audit, AuditFlag, AuditVisit
from server.models.catalog import (
    Provider,
    ProviderCategory,
    ServiceCategory,
    ServiceItem,
    Team,
    TeamCategory,
    VolunteerIntention,
    VolunteerTeam,
)
from server.models.console import ConsoleSession
from server.models.events import Event, EventSignup
from server.models.idempotency import IdempotentRequest
from server.models.imports import ImportBatch
from server.models.ledger import (
    Account,
    Entry,
    Kinship,
    LedgerChain,
    MemberYear,
    SigningKey,
    Statement,
    Transfer,
)
from server.models.matching import TaskCandidate, TaskOpening
from server.models.networks import Move, Network, NetworkMember, NetworkSettlement
from server.models.notifications import ContentCheck, Notification, SubscriptionCredit
from server.models.outbox import DatabaseInstance, OutboxMessage
from server.models.people import Community, HardshipPeriod, Household, Member, Volunteer
from server.models.recognition import Certificate, Notice, Objection, StarAward
from server.models.records import ServiceRecord
from server.models.sms import SmsConsent, SmsDay, SmsMessage
from server.models.station import CodeAttempt, CodeCard, Correction, PassbookPrintout, WitnessCode
from server.models.tasks import Request, Task, TaskEvent, TaskVisit

MODELS = [
    Community,
    Household,
    Member,
    Volunteer,
    HardshipPeriod,
    ServiceCategory,
    ServiceItem,
    Team,
    TeamCategory,
    VolunteerTeam,
    VolunteerIntention,
    Provider,
    ProviderCategory,
    OutboxMessage,
    DatabaseInstance,
    Account,
    Transfer,
    Entry,
    LedgerChain,
    Statement,
    SigningKey,
    MemberYear,
    Kinship,
    Network,
    NetworkMember,
    NetworkSettlement,
    Move,
    ServiceRecord,
    Notification,
    SubscriptionCredit,
    ContentCheck,
    RecipientFile,
    Agreement,
    AgreementVolunteer,
    AgreementSignature,
    Request,
    Task,
    TaskEvent,
    TaskVisit,
    TaskOpening,
    TaskCandidate,
    Event,
    EventSignup,
    Audit,
    AuditFlag,
    AuditVisit,
    Notice,
    StarAward,
    Objection,
    Certificate,
    IdempotentRequest,
    CodeCard,
    WitnessCode,
    CodeAttempt,
    Correction,
    PassbookPrintout,
    SmsConsent,
    SmsMessage,
    SmsDay,
    ConsoleSession,
    ImportBatch,
]

__all__ = [m.__name__ for m in MODELS] + ["MODELS"]
